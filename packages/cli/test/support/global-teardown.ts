/** Stops the moto server global-setup.ts started. */
export default async function globalTeardown(): Promise<void> {
  const moto = globalThis.__zonkeMoto;
  globalThis.__zonkeMoto = undefined;
  await moto?.stop();
}
