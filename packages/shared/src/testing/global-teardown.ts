/** Jest globalTeardown: stops the server that globalSetup started (a server of your own is left alone). */
export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __pingdummyPostgres?: { stop(): Promise<void> } }).__pingdummyPostgres;
  await server?.stop();
}
