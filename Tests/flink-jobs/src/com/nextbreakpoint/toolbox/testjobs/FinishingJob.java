package com.nextbreakpoint.toolbox.testjobs;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Bounded job: --count records (default 20) at --rate records/s (default 10), then FINISHED (~2 s).
 *
 * Arguments: --count N --rate N --name JOBNAME (default toolbox-finishing-job)
 */
public class FinishingJob {
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, "count", "20", "rate", "10", "name", "toolbox-finishing-job");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SingleOutputStreamOperator<Long> doubled = Streams.sequence(env, args.getLong("count"), args.getDouble("rate"))
                .uid("toolbox-sequence")
                .map(n -> n * 2).returns(Types.LONG).name("Double").uid("toolbox-double");
        Streams.discard(doubled).name("Discard").uid("toolbox-discard");
        env.execute(args.get("name"));
    }
}
