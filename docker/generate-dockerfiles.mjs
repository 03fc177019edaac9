#!/usr/bin/env node
// Writes services/<name>/Dockerfile from docker/Dockerfile.template, so the three images share one
// definition while `docker build -f services/<name>/Dockerfile .` keeps working (a Dockerfile cannot
// include another). `--check` exits 1 when a Dockerfile is not what the template gives.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What differs between the services: the port, and files read at run time besides dist/. */
export const SERVICES = {
  beacon: { port: 3001, runtimeFolders: [] },
  worker: { port: 3002, runtimeFolders: [] },
  // Templates and static files are read at run time from next to dist/ (they are not compiled).
  frontend: { port: 3000, runtimeFolders: ['views', 'public'] },
};

export function dockerfileFor(service) {
  const { port, runtimeFolders } = SERVICES[service];
  const extra = runtimeFolders.map((folder) => `COPY --from=build /app/services/${service}/${folder} services/${service}/${folder}\n`).join('');
  return readFileSync(path.join(root, 'docker/Dockerfile.template'), 'utf8')
    .replaceAll('{{service}}', service)
    .replaceAll('{{port}}', String(port))
    .replace('{{extra}}', extra);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const service of Object.keys(SERVICES)) {
    const file = path.join(root, 'services', service, 'Dockerfile');
    const wanted = dockerfileFor(service);
    if (check) {
      if (readFileSync(file, 'utf8') !== wanted) {
        console.log(`${path.relative(root, file)} is stale: run node docker/generate-dockerfiles.mjs`);
        stale += 1;
      }
    } else {
      writeFileSync(file, wanted);
      console.log(`wrote ${path.relative(root, file)}`);
    }
  }
  process.exit(stale > 0 ? 1 : 0);
}
