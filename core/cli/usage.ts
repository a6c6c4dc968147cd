import { NoobError } from '../errors.ts';

/** The command line was wrong: exit 2 with this message and the usage text. */
export class UsageError extends NoobError {
  override name = 'UsageError' as const;
}

/** The top-level help. */
export const USAGE = `noob — run dataflow graphs (tubes)

Usage:
  noob run TUBE [-n N] [--input key=value …] [--runner NAME] [--json]
                                                      run a tube here; TUBE is a file or a noob_id
  noob worker [--db URL] [--tags a,b] [--concurrency N] [--lease-ms MS] [MODULES]
                                                      pull calls from the queue
  noob worker --http [--port P] [--host H] [--token T] [--tags a,b] [--concurrency N] [MODULES]
                                                      serve calls over HTTP
  noob serve [--port 8787] [--db URL] [--workers N] [--allow-modules [PKG,./DIR,…]] [--peers ADDR,…]
                                                      job API + workers + coordinator
  noob coordinator [--db URL] [--id NAME] [--concurrency N] [--lease-ms MS] [--search-path DIR …] [--allow-modules [PKG,./DIR,…]]
                   [--runner queued|lambda] [--function NAME] [--lambda-concurrency N] [--peers ADDR,…]
                                                      drive submitted tube jobs (claimed by lease)
  noob jobs submit TUBE [-n N] [--input key=value …] [--watch]
                                                      queue a run on the server; TUBE is a file or a noob_id
  noob jobs list [--state STATE] [--limit N] [--after CURSOR]
                                                      your jobs, newest first
  noob jobs get|cancel|watch ID                       one job; watch follows it to its end
  noob jobs logs ID [--follow]                        what its node calls printed
  noob workers                                        the server's workers, live and dead
  noob keys create --tenant NAME [--expires 30d] [--db URL]
                                                      a new API key, printed once
  noob keys list [--tenant NAME] [--db URL]           the keys (never their secrets)
  noob keys revoke ID [--db URL]                      stop accepting a key
  noob settle [--db URL] [--every 60s] [--json]       post verified results' rewards on chain
  noob claim [ADDRESS] [--url URL] [--key KEY] [--json]
                                                      claim a worker's posted rewards
  noob peer [--listen ADDR,…] [--bootstrap ADDR,…] [--key FILE] [--tags a,b]
            [--health-port P] [--allow-modules …]     a libp2p peer that runs tasks
  noob validate TUBE [--input key=value …]            check a tube without running it
  noob schema                                         the tube format as JSON Schema
  noob help [COMMAND]                                 this text, or one command's (also COMMAND --help)
  noob --version

Options for run and validate:
  TUBE, --tube TUBE       a tube file, or the noob_id of one in this folder, a
                          --search-path folder or NOOB_TUBE_PATH
  -n, --epochs N          epochs to process (run; default 1; also --n N)
  -i, --input key=value   a tube input, read by its declared type (repeatable)
  --runner NAME           where node calls run: sync (this thread, default),
                          parallel (worker threads on this machine's cores) or
                          http (noob worker --http processes given by --workers) or
                          queued (the durable queue --db, drained by noob worker),
                          lambda (worker Lambdas invoked to drain --db) or p2p
  --workers N             for --runner parallel: threads (default: the cores)
  --workers URL,URL…      for --runner http: the workers' base URLs
  --balance STRATEGY      for --runner http: round-robin (default), least-loaded,
                          fastest-response or random; the workers' token is read
                          from NOOB_WORKER_TOKEN
  --bootstrap ADDR,…      for --runner p2p: noob peer addresses to join through
  --verification MODE     for --runner p2p: trusted (default: one executor), quorum
                          (3 executors, 2 equal results) or quorum:K/Q
  --db URL                for --runner queued and noob worker: the queue database,
                          a libSQL file (default .noob/noob.db) or libsql:// / http://
  --search-path DIR       another folder to find tubes by noob_id (repeatable;
                          also NOOB_TUBE_PATH, separated by ':')
  --json                  print the results as one JSON array on stdout, nothing else
  --format json|lines     --format json is --json; lines (default): one JSON value
                          per result, printed as each epoch finishes. Ctrl-C stops
                          the run: what finished is printed, the exit code is 130

Options for run and coordinator with --runner lambda:
  --function NAME         the worker function (functions/worker/lambda.ts) to invoke;
                          default NOOB_LAMBDA_FUNCTION. Checked with a DryRun invoke
  --db URL                the queue its invocations claim from: a libsql:// or http://
                          server they reach; default NOOB_QUEUE_URL, its token
                          NOOB_QUEUE_TOKEN
  --lambda-concurrency N  invocations at once (default 10, or NOOB_LAMBDA_CONCURRENCY;
                          a coordinator's runs share them): the function's reserved
                          concurrency
  --runner queued         (coordinator, default) runs go to noob worker processes
                          The region, credentials and endpoint (AWS_ENDPOINT_URL_LAMBDA)
                          come from the AWS SDK's usual settings

Options for serve:
  --port P                the job API's port (default 8787; 0 for any free port)
  --host H                the address it listens on (default 127.0.0.1)
  --db URL                the queue database (default .noob/noob.db)
  --workers N             worker processes (default: one per core)
  --allow-modules         let submitted tubes use module types (./x.ts#f, pkg#f): all,
                          or with a list only those packages and folders; without it a
                          submitted tube may use built-ins and noob.* only (tubes in
                          the server's own tube folders may always use their modules).
                          The server's workers run the same: its tube folders and the
                          list, or every module with a bare --allow-modules
  --peers ADDR,…          (serve and coordinator) join the noob peer network through
                          these peers (default NOOB_PEER_BOOTSTRAP): jobs submitted
                          with "runner": "p2p" run their node calls on the peers,
                          verified as their "verification" says

Options for worker (MODULES):
  --db URL                the queue to pull from (default .noob/noob.db)
  --tags a,b              affinity tags this worker offers (tasks tagged for others
                          are left to them)
  --concurrency N         calls at a time (default 8)
  --lease-ms MS           lease on each claimed call, renewed while it runs (default 30000)
  --http                  serve calls over HTTP instead of pulling from a queue
  --port P, --host H      for --http: where to listen (default 9001 on 127.0.0.1)
  --allow-modules         module types (./x.ts#f, /abs/x.ts#f, pkg#f) a task may load:
                          all, or with a list only those packages and folders
  --no-modules            none: built-ins and noob.* only
                          Without either, an HTTP worker loads none and a queue worker
                          any (noob run --runner queued sends your tube's modules as
                          absolute paths); for noob run --runner http, allow your tube's
                          folder: noob worker --http --allow-modules ./my-tubes
  --token T               for --http: the secret every request must carry (Authorization:
                          Bearer T); default NOOB_WORKER_TOKEN, else a new one, printed

Options for jobs and workers:
  --url URL               the job API (default NOOB_URL, else http://127.0.0.1:8787)
  --key KEY               the API key (default NOOB_KEY, else, for a server on this
                          machine, the one noob serve keeps in .noob/noob.db.local-key)
  --json                  the API's JSON on stdout instead of text (watch, logs: one
                          JSON line per message)

Options for jobs:
  -n, --epochs N          submit: epochs to run (default 1)
  -i, --input key=value   submit: a tube input, read by the type the tube file declares
                          (for a noob_id: JSON when it parses, else text)
  --priority P            submit: CRITICAL, HIGH, NORMAL (default) or LOW
  --tags a,b              submit: tags a worker must have to run the calls
  --attempts N            submit: attempts per node call (default 3; 1: no retry)
  --runner p2p            submit: run the calls on the server's peer network (noob
                          serve --peers); --tags then name what a peer must have
  --verification MODE     submit, with --runner p2p: trusted (default), quorum (3
                          executors, 2 equal results) or quorum:K/Q
  --settlement NAME:REWARD
                          submit, with --runner p2p: pay each accepted call's signing
                          executors REWARD wei from escrow NAME (docs/settlement.md)
  --watch                 submit: then follow the job as noob jobs watch does
  --state STATE           list: queued, running, succeeded, failed or cancelled
  --limit N, --after C    list: jobs per page (1-200), and the page after C
  -f, --follow            logs: then what is printed until the job ends
                          Ctrl-C stops watching, not the job

Options for keys:
  --tenant NAME           create: whose key (1-128 of A-Z a-z 0-9 . _ : @ -); list: only theirs
  --expires DURATION      create: refused after 90s, 15m, 12h, 30d, 2w, 1h30m… (default never)
  --db URL                the database holding the keys (default .noob/noob.db)
  --json                  create: {key, id, tenant, expiresAt}; list: the keys as JSON

Options for settle:
  --db URL                the queue holding the results (default NOOB_QUEUE_URL, its
                          token NOOB_QUEUE_TOKEN, else .noob/noob.db)
  --every DURATION        a pass every 60s, 5m, …, until Ctrl-C (default: one pass)
  --json                  the pass's summary as JSON
                          The chain: NOOB_CHAIN, NOOB_RPC_URL, NOOB_SETTLEMENT_ADDRESS
                          and the settler's key NOOB_PRIVATE_KEY (docs/settlement.md)

Options for peer:
  --listen ADDR,…         multiaddrs to listen on (default TCP and WebSockets on
                          127.0.0.1, free ports; the addresses are printed)
  --bootstrap ADDR,…      peers to join through (default NOOB_PEER_BOOTSTRAP)
  --key FILE              the peer's identity, made on first start, so that a restart
                          is the same peer (default .noob/peer.key)
  --tags a,b              what this peer offers (jobs' --tags choose peers by them)
  --health-port P         /healthz, /metrics and the browser peer's page, on 127.0.0.1
                          (default a free port, printed)
  --allow-modules         module types (./x.ts#f, pkg#f) a task may load: all, or with a
                          list only those packages and folders (default none: anyone
                          may send tasks, so built-ins and noob.* only)
                          To be paid on chain: NOOB_PAYOUT_KEY, NOOB_CHAIN and
                          NOOB_SETTLEMENT_ADDRESS in the environment (docs/peers.md)

Options for claim:
  ADDRESS                 the worker's payout address (default: NOOB_PAYOUT_KEY's)
  --url URL, --key KEY    the job API serving its claims (as for jobs)
  --json                  what was claimed, as JSON
                          The claim is sent by NOOB_PRIVATE_KEY, else NOOB_PAYOUT_KEY,
                          on NOOB_CHAIN / NOOB_RPC_URL / NOOB_SETTLEMENT_ADDRESS

Exit codes for validate and schema:
  0 success (validate: the tube is valid), 2 an invalid tube or a usage mistake
Exit codes for run:
  0 success, 1 a node failed at run time, 2 an invalid tube or usage, 130 interrupted
  (Ctrl-C: the results of the epochs that finished are printed)
Exit codes for jobs and workers:
  0 success (watch: the job succeeded), 1 the job failed, or the server cannot be
  reached, refused the key or does not know the job, 2 a usage mistake or no key,
  3 watch: the job was cancelled, 130 Ctrl-C while watching
Exit codes for serve, worker, coordinator and peer:
  0 stopped (Ctrl-C or SIGTERM), 1 it could not go on (a damaged database, …: the
  message says what), 2 a usage mistake (a bad option, a port in use)
Exit codes for keys, settle and claim:
  0 success, 1 it failed (the message says what), 2 a usage mistake or a setting
  missing or wrong (the message names it)`;
