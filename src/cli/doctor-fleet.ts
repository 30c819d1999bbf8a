import type { Parsed } from './args.js';
import { doctorReport, doctorSources } from './doctor-report.js';
import { lockedReport } from './doctor-locked.js';
import { sessionHost } from './fleet-host.js';
import { onHostTarget, readFleet } from './fleet-read.js';
import { checkRequest } from './fleet-request.js';
import { openSession } from './session.js';

// rig doctor -i INVENTORY: each host's doctor table, or with --locked its drift from the lock (its own, from a folder).
export async function doctorFleet(args: Parsed): Promise<number> {
  if (args.values.locked === undefined) {
    const sources = doctorSources(args);
    return readFleet(args, (h) => onHostTarget(h, (target) => doctorReport(target, sources)));
  }
  checkRequest(args, 'doctor');
  return readFleet(args, async (h) => {
    const session = await openSession(args, 'doctor', true, sessionHost(h));
    try {
      const report = await lockedReport(session);
      return { ...report, flagged: report.differs > 0 };
    } finally {
      await session.target.close();
    }
  });
}
