import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleControlPlane } from '../control-plane/control-plane-handler.js';
import type { ControlPlaneDeps } from '../control-plane/control-plane-handler.js';
import { ControlPlaneError } from '../control-plane/control-plane-error.js';
import { queryError } from '../control-plane/query-xml.js';
import { DataApiError } from '../data-api/data-api-error.js';
import { handleDataApi } from '../data-api/data-api-handler.js';
import type { DataApiDeps } from '../data-api/data-api-handler.js';
import type { Body } from '../data-api/request-validation.js';
import type { FaultInjector } from '../faults.js';

export interface HttpDeps {
  dataApi: DataApiDeps;
  controlPlane: ControlPlaneDeps;
  faults: FaultInjector;
}

export interface HttpServer {
  endpoint: string;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

async function serveDataApi(operation: string, raw: string, deps: HttpDeps, response: ServerResponse): Promise<void> {
  const json = 'application/x-amz-json-1.1';
  try {
    const throttled = deps.faults.takeThrottle(operation);
    if (throttled) throw new DataApiError(throttled.error, throttled.message);
    let body: Body;
    try {
      body = raw.trim() === '' ? {} : (JSON.parse(raw) as Body);
    } catch {
      throw new DataApiError('SerializationException', 'Request body is not valid JSON');
    }
    send(response, 200, json, JSON.stringify(await handleDataApi(operation, body, deps.dataApi)));
  } catch (error) {
    if (error instanceof DataApiError) {
      send(response, error.status, json, JSON.stringify({ __type: error.type, message: error.message, ...error.extra }));
    } else {
      // Never a client mistake: 500 is what the SDK retries.
      send(response, 500, json, JSON.stringify({ __type: 'InternalServerException', message: String(error) }));
    }
  }
}

function serveControlPlane(raw: string, deps: HttpDeps, response: ServerResponse): void {
  const params = new URLSearchParams(raw);
  try {
    const throttled = deps.faults.takeThrottle(params.get('Action') ?? '');
    if (throttled) throw new ControlPlaneError(throttled.error === 'ThrottlingException' ? 'Throttling' : throttled.error, throttled.message);
    send(response, 200, 'text/xml', handleControlPlane(params, deps.controlPlane));
  } catch (error) {
    if (error instanceof ControlPlaneError) send(response, error.status, 'text/xml', queryError(error.code, error.message));
    else send(response, 500, 'text/xml', queryError('InternalFailure', String(error)));
  }
}

/** One endpoint for both protocols: X-Amz-Target requests are the Data API, form posts the control plane. */
export async function startHttpServer(deps: HttpDeps): Promise<HttpServer> {
  const server = createServer((request, response) => {
    void (async () => {
      const raw = await readBody(request);
      const target = request.headers['x-amz-target'];
      if (typeof target === 'string') {
        const operation = target.startsWith('RedshiftData.') ? target.slice('RedshiftData.'.length) : target;
        await serveDataApi(operation, raw, deps, response);
      } else {
        serveControlPlane(raw, deps, response);
      }
    })().catch(() => {
      if (!response.headersSent) send(response, 500, 'text/plain', 'internal error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
