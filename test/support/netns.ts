// Test hosts as Linux network namespaces (iproute2's `ip netns`): each host has its own loopback and one veth
// interface on a bridge of the test's own; the test's process stays in the root namespace, where the bridge has
// the address `gateway`, so servers the test starts there (bound to that address) are what the hosts share.
// A host's 127.0.0.1 is its own: nothing of the machine's shared MariaDB or Redis is reachable from it.
// Needs root (CAP_NET_ADMIN); `netnsAvailable` says whether this machine allows it, and why not.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** Null when `ip netns add` works here, else the reason (printed by the test that skips). */
export function netnsAvailable(): string | null {
  const probe = `tkprobe${process.pid}`;
  try {
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    return null;
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    return (e.stderr?.toString().trim() || e.message).split('\n')[0];
  }
}

export interface TestHost {
  name: string;
  /** The host's address on the bridge. */
  address: string;
  /** Starts a process inside the host (`ip netns exec`). */
  spawn(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess;
}

export interface TestNetwork {
  /** The root namespace's address on the bridge: where the shared servers listen. */
  gateway: string;
  hosts: TestHost[];
  /** Kills what runs in each host, removes the hosts and the bridge. Safe to call twice. */
  destroy(): void;
}

/** `count` hosts on a fresh bridge; names and the /24 are drawn from the test's pid so parallel runs do not meet. */
export function createTestNetwork(count: number): TestNetwork {
  const tag = `tk${process.pid % 100000}`;
  const subnet = `10.231.${process.pid % 250}`;
  const bridge = `${tag}br`;
  const gateway = `${subnet}.1`;
  const hosts: TestHost[] = [];
  const children: ChildProcess[] = [];
  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const h of hosts) {
      try {
        ip('netns', 'del', h.name); // takes its veth end, and so the pair, with it
      } catch {
        /* already gone */
      }
    }
    try {
      ip('link', 'del', bridge);
    } catch {
      /* already gone */
    }
  };
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${gateway}/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    for (let i = 0; i < count; i++) {
      const name = `${tag}h${i}`;
      const address = `${subnet}.${11 + i}`;
      ip('netns', 'add', name);
      const host: TestHost = {
        name,
        address,
        spawn(command, args, env) {
          const child = spawn('ip', ['netns', 'exec', name, command, ...args], {
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          children.push(child);
          return child;
        },
      };
      hosts.push(host);
      ip('link', 'add', `${name}r`, 'type', 'veth', 'peer', 'name', `${name}n`);
      ip('link', 'set', `${name}n`, 'netns', name);
      ip('link', 'set', `${name}r`, 'master', bridge);
      ip('link', 'set', `${name}r`, 'up');
      ip('netns', 'exec', name, 'ip', 'addr', 'add', `${address}/24`, 'dev', `${name}n`);
      ip('netns', 'exec', name, 'ip', 'link', 'set', `${name}n`, 'up');
      ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
    }
  } catch (err) {
    destroy();
    throw err;
  }
  process.once('exit', destroy);
  return { gateway, hosts, destroy };
}
