import { z } from 'zod';

/** The JSON Schema of the request a zod schema accepts, for @ApiBody (the route validates with the zod schema). */
export const jsonSchemaOf = (schema: z.ZodType): Record<string, unknown> => z.toJSONSchema(schema, { io: 'input' });
