package com.nextbreakpoint.toolbox.testjobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The version-dependent part of the test jobs, for Flink 1.19 and later (2.x has no SourceFunction/SinkFunction):
 * a rate-limited DataGeneratorSource and the sink v2 DiscardingSink. src-1.15 has the same class for 1.15-1.18.
 */
final class Streams {
    private Streams() {}

    /** The job's environment with restart strategy "none", whatever the cluster's: a failure ends the job FAILED. */
    static StreamExecutionEnvironment environmentWithoutRestarts() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    /** The numbers 0 ... count-1 at `perSecond` records/s in total over all source subtasks, named "Sequence". */
    static DataStreamSource<Long> sequence(StreamExecutionEnvironment env, long count, double perSecond) {
        DataGeneratorSource<Long> source = new DataGeneratorSource<>(
                n -> n, count, RateLimiterStrategy.perSecond(perSecond), Types.LONG);
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "Sequence");
    }

    /** A sink that drops every record. */
    static DataStreamSink<Long> discard(DataStream<Long> stream) {
        return stream.sinkTo(new DiscardingSink<>());
    }
}
