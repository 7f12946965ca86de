package com.nextbreakpoint.toolbox.testjobs;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Bounded job: --count records (default 20) at --rate records/s (default 10), then FINISHED (~2 s).
 *
 * Arguments: --count N --rate N --name JOBNAME (default toolbox-finishing-job)
 */
public class FinishingJob {
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, "count", "20", "rate", "10", "name", "toolbox-finishing-job");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataGeneratorSource<Long> source = new DataGeneratorSource<>(
                n -> n, args.getLong("count"), RateLimiterStrategy.perSecond(args.getDouble("rate")), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "Sequence").uid("toolbox-sequence")
                .map(n -> n * 2).returns(Types.LONG).name("Double").uid("toolbox-double")
                .sinkTo(new DiscardingSink<>()).name("Discard").uid("toolbox-discard");
        env.execute(args.get("name"));
    }
}
