package com.nextbreakpoint.toolbox.testjobs;

import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;
import org.apache.flink.streaming.api.functions.source.RichParallelSourceFunction;

/**
 * The version-dependent part of the test jobs, for Flink before 1.19 (compiled against 1.11 to 1.18; no sink v2 DiscardingSink before 1.18, no
 * datagen connector in flink-dist before 1.19): a rate-limited SourceFunction and the SinkFunction DiscardingSink.
 * src-1.19 has the same class for 1.19 and later.
 */
final class Streams {
    private Streams() {}

    /** The job's environment with restart strategy "none", whatever the cluster's: a failure ends the job FAILED. */
    static StreamExecutionEnvironment environmentWithoutRestarts() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRestartStrategy(RestartStrategies.noRestart()); // getExecutionEnvironment(Configuration): 1.12+
        return env;
    }

    /** The numbers 0 ... count-1 at `perSecond` records/s in total over all source subtasks, named "Sequence". */
    static DataStreamSource<Long> sequence(StreamExecutionEnvironment env, long count, double perSecond) {
        return env.addSource(new Sequence(count, perSecond), "Sequence");
    }

    /** A sink that drops every record. */
    static DataStreamSink<Long> discard(DataStream<Long> stream) {
        return stream.addSink(new DiscardingSink<>());
    }

    /** Subtask i of p emits i, i+p, i+2p, ... below `count`, each subtask at perSecond/p records/s. */
    static final class Sequence extends RichParallelSourceFunction<Long> {
        private final long count;
        private final double perSecond;
        private volatile boolean running = true;

        Sequence(long count, double perSecond) {
            this.count = count;
            this.perSecond = perSecond;
        }

        @Override
        public void run(SourceContext<Long> ctx) throws Exception {
            int subtask = getRuntimeContext().getIndexOfThisSubtask();
            int parallelism = getRuntimeContext().getNumberOfParallelSubtasks();
            double intervalMs = 1000.0 * parallelism / perSecond;
            long started = System.currentTimeMillis();
            long emitted = 0;
            for (long n = subtask; running && n < count; n += parallelism) {
                synchronized (ctx.getCheckpointLock()) {
                    ctx.collect(n);
                }
                emitted++;
                long wait = started + (long) (emitted * intervalMs) - System.currentTimeMillis();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait);
                    } catch (InterruptedException stopped) { // cancel or stop-with-savepoint
                        if (running) {
                            throw stopped;
                        }
                        return;
                    }
                }
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }
}
