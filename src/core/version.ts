/** kopf-ts's version, as package.json says (a test keeps the two equal). */
export const version = '0.1.0';
