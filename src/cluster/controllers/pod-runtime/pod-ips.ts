/**
 * Pod IPs from the node's pod CIDR (`10.244.0.0/24`), handed out round
 * robin as the host-local IPAM plugin does, so that a new pod rarely gets
 * the address a deleted one just had.
 */
export class PodIps {
  private readonly inUse = new Set<string>();
  private next = 2;

  constructor(private readonly prefix = '10.244.0.') {}

  allocate(): string {
    for (let tried = 0; tried < 253; tried++) {
      const candidate = `${this.prefix}${this.next}`;
      this.next = this.next >= 254 ? 2 : this.next + 1;
      if (!this.inUse.has(candidate)) {
        this.inUse.add(candidate);
        return candidate;
      }
    }
    throw new Error('the node has no pod IP left (its /24 pod CIDR holds 253 pods)');
  }

  release(ip: string): void {
    this.inUse.delete(ip);
  }
}
