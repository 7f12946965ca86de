package com.nextbreakpoint.toolbox.testjobs;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

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
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        DataGeneratorSource<Long> source = new DataGeneratorSource<>(
                n -> n, Long.MAX_VALUE, RateLimiterStrategy.perSecond(10), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "Sequence").uid("toolbox-sequence")
                .map(new Fail(args.getLong("fail-after-ms"))).name("Fail").uid("toolbox-fail")
                .sinkTo(new DiscardingSink<>()).name("Discard").uid("toolbox-discard");
        env.execute(args.get("name"));
    }

    static class Fail extends RichMapFunction<Long, Long> {
        private final long failAfterMs;
        private transient long started;

        Fail(long failAfterMs) {
            this.failAfterMs = failAfterMs;
        }

        @Override
        public void open(OpenContext openContext) {
            started = System.currentTimeMillis();
        }

        @Override
        public Long map(Long value) {
            if (System.currentTimeMillis() - started >= failAfterMs) {
                throw new IllegalStateException(MESSAGE);
            }
            return value;
        }
    }
}
