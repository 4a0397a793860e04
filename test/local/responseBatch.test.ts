/**
 * ResponseBatch: answers decided during one event-loop turn are ended together after it, each
 * with its own body, in order on a pipelined connection; one that cannot be ended does not keep
 * the others from being ended.
 */
import * as http from "node:http";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import { ResponseBatch } from "../../helpers/local/server/responseBatch";

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

/** A server answering each request with its own path, through a batch. */
function echoServer(batch: ResponseBatch): http.Server {
  return http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const body = Buffer.from(req.url ?? "");
      res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
      batch.end(res, body);
    });
  });
}

describe("ResponseBatch", () => {
  test("ends nothing until the event-loop turn is over, then every response", async () => {
    const ended: string[] = [];
    const fake = (name: string) =>
      ({
        writableEnded: false,
        end(body: Buffer) {
          ended.push(`${name}:${body.toString()}`);
        },
      }) as unknown as http.ServerResponse;
    const batch = new ResponseBatch(() => {});
    batch.end(fake("a"), Buffer.from("1"));
    batch.end(fake("b"), Buffer.from("2"));
    expect(ended).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toEqual(["a:1", "b:2"]);
    // A later turn is its own batch.
    batch.end(fake("c"), Buffer.from("3"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toEqual(["a:1", "b:2", "c:3"]);
  });

  test("a response already ended is skipped; one whose end throws is logged, the rest are ended", async () => {
    const ended: string[] = [];
    const logged: string[] = [];
    const batch = new ResponseBatch((message) => logged.push(message));
    const response = (name: string, options: { ended?: boolean; throws?: boolean } = {}) =>
      ({
        writableEnded: options.ended ?? false,
        end() {
          if (options.throws) throw new Error(`${name} broke`);
          ended.push(name);
        },
      }) as unknown as http.ServerResponse;
    batch.end(response("first"), Buffer.alloc(0));
    batch.end(response("done already", { ended: true }), Buffer.alloc(0));
    batch.end(response("broken", { throws: true }), Buffer.alloc(0));
    batch.end(response("last"), Buffer.alloc(0));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toEqual(["first", "last"]);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain("broken broke");
  });

  test("many concurrent clients each get their own answer", async () => {
    const server = echoServer(new ResponseBatch(() => {}));
    const port = await listen(server);
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
      const answers = await Promise.all(
        Array.from(
          { length: 200 },
          (_, i) =>
            new Promise<string>((resolve, reject) => {
              http
                .get({ port, host: "127.0.0.1", path: `/request-${i}`, agent }, (res) => {
                  let text = "";
                  res.setEncoding("utf8");
                  res.on("data", (chunk) => (text += chunk));
                  res.on("end", () => resolve(text));
                })
                .on("error", reject);
            }),
        ),
      );
      agent.destroy();
      expect(answers).toEqual(Array.from({ length: 200 }, (_, i) => `/request-${i}`));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("pipelined requests on one connection are answered in order", async () => {
    const server = echoServer(new ResponseBatch(() => {}));
    const port = await listen(server);
    try {
      const socket = net.connect(port, "127.0.0.1");
      const paths = ["/one", "/two", "/three", "/four"];
      socket.write(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`).join(""));
      let received = "";
      await new Promise<void>((resolve, reject) => {
        socket.on("data", (chunk) => {
          received += chunk.toString("latin1");
          if (paths.every((p) => received.includes(`\r\n\r\n${p}`))) resolve();
        });
        socket.on("error", reject);
      });
      socket.destroy();
      const bodies = paths.map((p) => received.indexOf(`\r\n\r\n${p}`));
      expect([...bodies].sort((a, b) => a - b)).toEqual(bodies);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("a client gone before the batch is written costs the others nothing", async () => {
    const batch = new ResponseBatch(() => {});
    let gone: net.Socket | undefined;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const body = Buffer.from(req.url ?? "");
        res.writeHead(200, { "content-length": body.length });
        if (req.url === "/gone") gone?.destroy();
        batch.end(res, body);
      });
    });
    const port = await listen(server);
    try {
      gone = net.connect(port, "127.0.0.1");
      await new Promise((resolve) => gone!.once("connect", resolve));
      gone.write("GET /gone HTTP/1.1\r\nHost: x\r\n\r\n");
      await new Promise((resolve) => gone!.once("close", resolve));
      const answer = await fetch(`http://127.0.0.1:${port}/still-here`).then((r) => r.text());
      expect(answer).toBe("/still-here");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
