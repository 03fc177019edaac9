import { createApp, definePingdummyEnvironment, resolveImageTag } from '@stack/constructs';
import { config } from './config.js';

const app = createApp();
definePingdummyEnvironment(app, { ...config, imageTag: resolveImageTag() });
app.synth();
