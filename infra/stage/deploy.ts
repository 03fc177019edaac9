import { deployPingdummyEnvironment } from '@stack/constructs/deploy';
import { config } from './config.js';

// `turbo run deploy --filter=stage`, last task of the pipeline: the tag must be in every repository
// (checked in seconds, before any apply), then cdktf deploy, then every ECS service must run the new
// tag (a rollback fails the deploy). With DEPLOY_REHEARSAL=1 and REGISTRY the same gates run against
// a local registry and moto (README, "Rehearse the pipeline").
await deployPingdummyEnvironment(import.meta.dirname, config);
