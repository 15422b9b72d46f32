// What /status shows of each health check of a running server (servers[].checks).
export interface CheckStatus {
  name: string;
  type: 'http' | 'tcp' | 'command';
  critical: boolean;
  /** Unknown until its first run; Failing once it failed 1 + retries times in a row. */
  status: 'Passing' | 'Failing' | 'Unknown';
  /** Failed attempts in a row. */
  failures: number;
  lastCheckedAt: string | null;
  message: string;
}
