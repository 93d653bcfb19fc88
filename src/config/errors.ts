/** A configuration value that is not allowed; the message names the field, value and rule. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
