/** Names must start with a letter and hold only lowercase letters, digits and hyphens (S3, ECS, RDS agree on this subset). */
export function assertResourceName(prop: string, value: string): void {
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(value)) {
    throw new Error(`${prop} "${value}" must be 1-40 characters of lowercase letters, digits and hyphens, starting with a letter`);
  }
}

/** Environment names that turn on the production protections by default. */
export function isProductionEnvironment(environment: string): boolean {
  return environment === 'prod' || environment === 'production';
}
