// `npm run capacity -- --model llama-6b --precision fp32,fp16,int8 --concurrency 10 --gpu 80`
// GPU memory plan per precision (seed page 3's method plus the KV cache); see libs/generator capacity-planner.
import { parseArgs } from 'node:util';
import {
  MODEL_PRESETS,
  PRECISIONS,
  planCapacity,
  resolveCapacityInput,
  type ModelPreset,
  type Precision,
} from '@huashu/generator';

const HELP = `usage: npm run capacity -- [--model ${Object.keys(MODEL_PRESETS).join('|')}]
  [--params B] [--layers N] [--hidden N] [--heads N] [--kv-heads N] [--intermediate N] [--context N]
  [--precision ${PRECISIONS.join(',')}] [--kv-precision P] [--concurrency N] [--gpu GB] [--json]`;

function main(): void {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      params: { type: 'string' },
      layers: { type: 'string' },
      hidden: { type: 'string' },
      heads: { type: 'string' },
      'kv-heads': { type: 'string' },
      intermediate: { type: 'string' },
      context: { type: 'string' },
      precision: { type: 'string', default: 'fp32,fp16,int8,int4' },
      'kv-precision': { type: 'string' },
      concurrency: { type: 'string', default: '1' },
      gpu: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(`${HELP}\n`);
  const num = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  if (values.model !== undefined && !(values.model in MODEL_PRESETS))
    throw new Error(`--model must be one of ${Object.keys(MODEL_PRESETS).join(', ')}`);
  const precisions = values.precision.split(',').map((p) => p.trim());
  for (const p of [...precisions, ...(values['kv-precision'] ? [values['kv-precision']] : [])])
    if (!(PRECISIONS as string[]).includes(p)) throw new Error(`precision must be one of ${PRECISIONS.join(', ')}`);

  const plans = precisions.map((precision) =>
    planCapacity(
      resolveCapacityInput({
        model: values.model as ModelPreset | undefined,
        paramsB: num('params', values.params),
        layers: num('layers', values.layers),
        hiddenSize: num('hidden', values.hidden),
        attentionHeads: num('heads', values.heads),
        kvHeads: num('kv-heads', values['kv-heads']),
        intermediateSize: num('intermediate', values.intermediate),
        contextLength: num('context', values.context),
        precision: precision as Precision,
        kvPrecision: values['kv-precision'] as Precision | undefined,
        concurrentCalls: num('concurrency', values.concurrency),
        gpuMemoryGB: num('gpu', values.gpu),
      }),
    ),
  );
  if (values.json) return void process.stdout.write(`${JSON.stringify(plans, null, 2)}\n`);
  const first = plans[0].input;
  process.stdout.write(
    `${values.model ?? 'custom'}: ${first.paramsB}B params, ${first.layers} layers, hidden ${first.hiddenSize}, ` +
      `${first.attentionHeads} heads (${first.kvHeads} KV), context ${first.contextLength}, ${first.concurrentCalls} concurrent call(s)\n`,
  );
  const rows = plans.map((p) => ({
    precision: p.input.precision,
    'weights GB': p.weightsGB,
    'KV/call GB': p.kvCachePerCallGB,
    'KV total GB': p.kvCacheGB,
    'overhead GB': p.overheadGB,
    'total GB': p.totalGB,
    ...(p.maxConcurrentCalls !== undefined
      ? { [`calls on ${p.input.gpuMemoryGB} GB`]: p.maxConcurrentCalls, fits: p.fits }
      : {}),
  }));
  console.table(rows);
}

try {
  main();
} catch (err) {
  process.stderr.write(`capacity: ${(err as Error).message}\n${HELP}\n`);
  process.exit(1);
}
