/**
 * The endpoint benchmarks' reference: a bare node:http server that reads the request and answers
 * a constant, the ceiling for Node's HTTP on the machine (bench/README.md, "The endpoint").
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export function startBareServer(): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "text/csv" });
      response.end("0.5");
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** `http://127.0.0.1:<port>/` of a listening server. */
export function urlOf(server: http.Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}
