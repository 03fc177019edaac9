import { rehearsalFromEnvironment } from '../src/deploy/deploy-environment.js';
import { assertRegistryTagsExist } from '../src/deploy/registry-tags-exist.js';

describe('the rehearsal switch of deploy', () => {
  it('is off unless DEPLOY_REHEARSAL=1', () => {
    expect(rehearsalFromEnvironment({})).toBeUndefined();
    expect(rehearsalFromEnvironment({ DEPLOY_REHEARSAL: '0', REGISTRY: '127.0.0.1:5000' })).toBeUndefined();
  });

  it('needs REGISTRY, and names it', () => {
    expect(() => rehearsalFromEnvironment({ DEPLOY_REHEARSAL: '1' })).toThrow('DEPLOY_REHEARSAL=1 needs REGISTRY=<host:port>');
    expect(rehearsalFromEnvironment({ DEPLOY_REHEARSAL: '1', REGISTRY: '127.0.0.1:5000' })).toEqual({ registry: '127.0.0.1:5000' });
  });

  it('refuses values it does not know, naming DEPLOY_REHEARSAL', () => {
    expect(() => rehearsalFromEnvironment({ DEPLOY_REHEARSAL: 'yes', REGISTRY: '127.0.0.1:5000' })).toThrow('DEPLOY_REHEARSAL must be 1');
  });

  it('only rehearses against a loopback registry (plain HTTP never leaves the machine)', async () => {
    await expect(assertRegistryTagsExist({ registry: 'registry.example.com:5000', repositories: ['acme/web'], tag: 'abc' })).rejects.toThrow('REGISTRY must be a loopback host:port');
  });
});
