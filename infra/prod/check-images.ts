import { assertImageTagsExist, pingdummyRepositories, resolveImageTag } from '@stack/constructs';
import { config } from './config.js';

// `npm run deploy` runs this before any apply: a tag missing from ECR fails here, in seconds,
// instead of as a rollout the circuit breaker undoes after the apply.
await assertImageTagsExist({ region: config.region, repositories: pingdummyRepositories(config.name), tag: resolveImageTag() });
process.stdout.write(`images ${resolveImageTag()} found in ${pingdummyRepositories(config.name).join(', ')}\n`);
