package com.nextbreakpoint.toolbox.testjobs;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * Never-ending stateful job: a rate-limited sequence (parallelism from the run request) feeds a single
 * "Counter" subtask (parallelism 1, so the count is one number) whose operator state is the running count.
 * The count survives savepoint/restore; it is readable as the gauges "toolboxCount" and
 * "toolboxRestoredCount" (the value restored at start, 0 on a fresh start) of operator "Counter", and is
 * appended to --output as "epoch-ms count" lines (one at start/restore, then every --emit-ms, one at close).
 *
 * Arguments: --rate N (records/s, default 10) --output PATH (default: none) --emit-ms N (default 500)
 *            --name JOBNAME (default toolbox-counting-job)
 *            --without-counter true (default false): the sequence goes straight to "Discard"; the stateful
 *            operator "Counter" (uid toolbox-counter) is absent, so a savepoint of the full job does not restore
 *            into this one without allowNonRestoredState (the restore-compatibility check's test case)
 */
public class CountingJob {
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, "rate", "10", "output", "", "emit-ms", "500", "name", "toolbox-counting-job",
                "without-counter", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // Long.MAX_VALUE records: unbounded in practice. The rate is the total over all source subtasks;
        // the source waits instead of spinning, so the CPU stays idle.
        // Stable uids: a savepoint maps back to these operators whatever the parallelism.
        SingleOutputStreamOperator<Long> sequence = Streams.sequence(env, Long.MAX_VALUE, args.getDouble("rate"))
                .uid("toolbox-sequence");
        if (Boolean.parseBoolean(args.get("without-counter"))) {
            Streams.discard(sequence).name("Discard").uid("toolbox-discard").setParallelism(1);
            env.execute(args.get("name"));
            return;
        }
        SingleOutputStreamOperator<Long> counted = sequence
                .process(new Counter(args.get("output"), args.getLong("emit-ms")))
                .name("Counter").uid("toolbox-counter").setParallelism(1)
                // Never chained to the source: the job graph keeps the same vertices at every parallelism, so a
                // savepoint taken at one parallelism restores at another (Flink refuses a restored vertex whose
                // chained operators have mixed finished states).
                .startNewChain();
        Streams.discard(counted).name("Discard").uid("toolbox-discard").setParallelism(1);
        env.execute(args.get("name"));
    }

    static class Counter extends ProcessFunction<Long, Long> implements CheckpointedFunction {
        private final String output;
        private final long emitMs;
        private transient ListState<Long> state;
        private transient volatile long count; // volatile: the gauges are read by the metric reporter thread
        private transient volatile long restored;
        private transient long lastEmit;
        private transient boolean initialized;

        Counter(String output, long emitMs) {
            this.output = output;
            this.emitMs = emitMs;
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            state = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("count", Types.LONG));
            long sum = 0;
            for (Long value : state.get()) { // one entry per former subtask; summing keeps the total on rescale
                sum += value;
            }
            count = sum;
            restored = sum;
            initialized = true;
            // Here rather than in open(): open(Configuration) (1.x) and open(OpenContext) (1.19+, 2.x) have no
            // common signature, and the runtime context is set before initializeState.
            getRuntimeContext().getMetricGroup().gauge("toolboxCount", (Gauge<Long>) () -> count);
            getRuntimeContext().getMetricGroup().gauge("toolboxRestoredCount", (Gauge<Long>) () -> restored);
            emit();
        }

        @Override
        public void processElement(Long value, Context ctx, Collector<Long> out) throws Exception {
            count++;
            if (System.currentTimeMillis() - lastEmit >= emitMs) {
                emit();
            }
            out.collect(count);
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            state.update(java.util.Collections.singletonList(count));
        }

        @Override
        public void close() throws Exception {
            // After stop-with-savepoint this last line equals the savepoint's count. A task cancelled before its
            // state was restored has no count to report (it would print 0 and look like lost state).
            if (initialized) {
                emit();
            }
        }

        private void emit() throws Exception {
            lastEmit = System.currentTimeMillis();
            if (!output.isEmpty()) {
                String line = lastEmit + " " + count + "\n";
                Files.write(Paths.get(output), line.getBytes(StandardCharsets.UTF_8),
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
    }
}
