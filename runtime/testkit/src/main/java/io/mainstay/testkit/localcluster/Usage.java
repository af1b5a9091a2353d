package io.mainstay.testkit.localcluster;

/** The text of {@code bin/mainstay-local-cluster --help}. */
final class Usage {

  private Usage() {}

  static String text() {
    return """
        Usage: mainstay-local-cluster up|down [--purge]|status|kill-main [--wait]

        Commands:
          up          build the distribution if it is missing, start ZooKeeper on 127.0.0.1:$MAINSTAY_LOCAL_ZK_PORT,
                      then coord-1 (waits until it is the main), coord-2 (standby) and the executors exec-1..N.
                      Parts that already run are left alone; when everything runs it says so and exits 0.
          status      ZooKeeper (pid, ruok) and every node (bin/mainstay status), then the main's GET /ping and
                      GET /api/v1/cluster. Exit 0: all running and a main answers; 1: something is missing;
                      2: no local cluster set up in the work dir.
          kill-main   kill -9 the coordinator whose GET /ping answers 200 (the main), to watch a standby take
                      over and the executors follow. With --wait: also wait (up to 60 s) for another coordinator
                      to answer /ping with 200, and print how long that took and its epoch. Bring the killed node
                      back with "up" (it comes back as a standby).
          down        stop every node (bin/mainstay stop), then ZooKeeper (SIGTERM, SIGKILL after 10 s). The work
                      dir stays (logs, store, ZooKeeper data); with --purge it is removed as well.

        Nodes run through bin/mainstay with MAINSTAY_PID_DIR=<work dir>/run and MAINSTAY_LOG_DIR=<work dir>/log:
        a node started or stopped by hand must be given the same two variables, e.g.
          MAINSTAY_PID_DIR=<work dir>/run MAINSTAY_LOG_DIR=<work dir>/log bin/mainstay --conf <work dir>/nodes/coord-1 status

        Work dir layout ($MAINSTAY_LOCAL_CLUSTER_DIR, default $MAINSTAY_HOME/local-cluster):
          nodes/<node>/mainstay.conf   one conf dir per node (rewritten by up for nodes not running)
          run/   pid files (<instance>.pid, zookeeper.pid) and the coordinators' url files   (MAINSTAY_PID_DIR)
          log/   <instance>.log, <instance>.out, zookeeper.log                               (MAINSTAY_LOG_DIR)
          zookeeper/   zoo.cfg and data/;   settings   what up was given (see below)
          shared-store/   paths.local of both coordinators;   exec-N/   paths.local of executor N
          Instance names follow bin/mainstay: nodes/coord-1 -> mainstay-coord-1.

        Environment:
          MAINSTAY_LOCAL_CLUSTER_DIR   work dir (default $MAINSTAY_HOME/local-cluster)
          MAINSTAY_LOCAL_ZK_PORT       ZooKeeper client port (default 2191)
          MAINSTAY_LOCAL_WEB_PORT      web port of coord-1; coord-2 uses the next one (default 9047)
          MAINSTAY_LOCAL_SESSION_MS    zk.client.session.timeout of every node, in ms (default 2000: a quick
                                       failover; but a node whose JVM stalls that long loses its session -- a main
                                       then exits with code 3 and a standby takes over. On a busy machine use more.)
          MAINSTAY_LOCAL_EXECUTORS     number of executors (default 2)
          MAINSTAY_JAVA_OPTS, MAINSTAY_START_TIMEOUT, MAINSTAY_STOP_TIMEOUT, JAVA_HOME: passed on to bin/mainstay
          up records the MAINSTAY_LOCAL_* values in <work dir>/settings; later commands use the recorded value of
          any variable that is not set. status, kill-main and down work from what up wrote in the work dir.
        """;
  }
}
