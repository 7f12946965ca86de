package com.nextbreakpoint.toolbox.testjobs;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs for --fail-after-ms (default 1500) and then throws "toolbox test job failed on purpose".
 * The job sets restart-strategy "none" itself, so Flink reports FAILED whatever the cluster's strategy.
 *
 * Arguments: --fail-after-ms N (default 1500) --name JOBNAME (default toolbox-failing-job)
 */
public class FailingJob {
    public static final String MESSAGE = "toolbox test job failed on purpose";

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, "fail-after-ms", "1500", "name", "toolbox-failing-job");
        StreamExecutionEnvironment env = Streams.environmentWithoutRestarts();
        SingleOutputStreamOperator<Long> failing = Streams.sequence(env, Long.MAX_VALUE, 10).uid("toolbox-sequence")
                .map(new Fail(args.getLong("fail-after-ms"))).name("Fail").uid("toolbox-fail");
        Streams.discard(failing).name("Discard").uid("toolbox-discard");
        env.execute(args.get("name"));
    }

    static class Fail implements MapFunction<Long, Long> {
        private final long failAfterMs;
        private transient long started;

        Fail(long failAfterMs) {
            this.failAfterMs = failAfterMs;
        }

        @Override
        public Long map(Long value) {
            if (started == 0) { // the first record (not open(): its signature differs between 1.x and 2.x)
                started = System.currentTimeMillis();
            }
            if (System.currentTimeMillis() - started >= failAfterMs) {
                throw new IllegalStateException(MESSAGE);
            }
            return value;
        }
    }
}
