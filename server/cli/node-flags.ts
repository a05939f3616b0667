/**
 * Node/V8 flags the server process runs with: `npm start` passes them (package.json), and so do
 * the benchmark harness and the test helpers, which launch the production entry point.
 *
 * `--max-semi-space-size=16`: on a machine with a few GB of memory, Node 24's V8 lets each
 * young-generation semi-space grow to 64 MB, and a server opening documents grows it there: the
 * young generation then holds up to ~130 MB of short-lived garbage (protocol frames, decoded
 * updates, query rows) that no document keeps. Measured with 1,000 loaded documents
 * (bench memory suite, `.scratch`-style run on 2 cores): 183-189 KB per document with V8's
 * sizing, 87 KB with 16 MB semi-spaces, the size V8 used on 64-bit for years. Almost everything
 * the server allocates dies young, so scavenges stay cheap at this size.
 * The price, measured replaying the automerge-paper trace (4 runs alternating, quiet machine):
 * 6-11% more server CPU per edit (112-118 µs vs 101-111 µs) and 5-12% lower end-to-end throughput,
 * from more frequent scavenges. Memory per open document decides how many documents a machine
 * holds; a full-speed replay is rare, so the trade is taken.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16']
