import { createApp, defineOpsAccount, definePingdummyEnvironment, resolveImageTag } from '@stack/constructs';
import { config, environmentAccounts, opsStateBackend } from './config.js';

const app = createApp();
definePingdummyEnvironment(app, { ...config, imageTag: resolveImageTag() });
// The ops account is shared by all environments; its stack lives with prod's program.
defineOpsAccount(app, { name: config.name, accountId: config.opsAccountId, region: config.region, environments: environmentAccounts, stateBackend: opsStateBackend });
app.synth();
