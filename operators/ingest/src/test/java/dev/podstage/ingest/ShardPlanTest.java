package dev.podstage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.stage.ExitCode;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ShardPlanTest {

    @Test
    void aFixedCountIsTakenAsItIs() {
        ShardPlan plan = new ShardPlan(OptionalInt.of(8), 10, 1024);
        assertThat(plan.shardCount(0)).isEqualTo(8);
        assertThat(plan.shardCount(1_000_000)).isEqualTo(8);
    }

    @Test
    void aShardSizeGivesCeilingOfRecordsOverSizeAndAtLeastOne() {
        ShardPlan plan = new ShardPlan(OptionalInt.empty(), 100, 1024);
        assertThat(plan.shardCount(0)).isEqualTo(1);
        assertThat(plan.shardCount(1)).isEqualTo(1);
        assertThat(plan.shardCount(100)).isEqualTo(1);
        assertThat(plan.shardCount(101)).isEqualTo(2);
        assertThat(plan.shardCount(102_400)).isEqualTo(1024);
    }

    @Test
    void moreShardsThanMaxMapLengthIsAConfigurationErrorNamingTheKey() {
        assertThatThrownBy(() -> new ShardPlan(OptionalInt.of(2000), 10, 1024).checkFixed())
                .isInstanceOfSatisfying(
                        ConfigProblem.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("podstage.ingest.max-map-length=1024")
                .hasMessageContaining("podstage.ingest.shards=2000");
        assertThatThrownBy(() -> new ShardPlan(OptionalInt.empty(), 100, 1024).shardCount(102_401))
                .isInstanceOf(ConfigProblem.class)
                .hasMessageContaining("1025 shards")
                .hasMessageContaining("podstage.ingest.max-map-length=1024")
                .hasMessageContaining("--shard-size of at least 101");
    }
}
