// One HTTP/1.1 connection whose bytes the test writes itself: a request can be begun before something
// happens on the server (a shutdown signal) and ended after it, on a connection that has already
// answered requests, which no HTTP client lets a test do. Responses are read as they come; they are
// framed by Content-Length, as Fastify frames every JSON response (a chunked one is refused here).
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

export class RawHttpConnection {
  private received = Buffer.alloc(0);
  private ended = false;
  private wake?: () => void;
  /** Resolves once the connection is closed (by either side). */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake?.();
    });
    // A reset is seen as the end of the connection, which `response()` reports with what it had.
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.ended = true;
        this.wake?.();
        resolve();
      }),
    );
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawHttpConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawHttpConnection(socket));
      });
    });
  }

  /** Write `text` as it is (CRLFs included); resolves once it is handed to the kernel. */
  write(text: string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(text, (err) => (err ? reject(err) : resolve())));
  }

  /** The next whole response; rejects, with the bytes it had, if the connection ends first. */
  async response(): Promise<RawResponse> {
    for (;;) {
      const taken = this.take();
      if (taken) return taken;
      if (this.ended) {
        throw new Error(`connection closed before a whole response; received: ${JSON.stringify(this.text())}`);
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private text(): string {
    return this.received.toString('utf8');
  }

  private take(): RawResponse | undefined {
    const headEnd = this.received.indexOf('\r\n\r\n');
    if (headEnd < 0) return undefined;
    const [statusLine, ...lines] = this.received.subarray(0, headEnd).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(
      lines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      }),
    );
    if (headers['content-length'] === undefined) {
      throw new Error(`a response without Content-Length: ${JSON.stringify(this.text())}`);
    }
    const bodyStart = headEnd + 4;
    const bodyEnd = bodyStart + Number(headers['content-length']);
    if (this.received.length < bodyEnd) return undefined;
    const body = this.received.subarray(bodyStart, bodyEnd).toString('utf8');
    this.received = this.received.subarray(bodyEnd);
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  }
}
