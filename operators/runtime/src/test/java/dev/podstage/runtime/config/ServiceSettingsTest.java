package dev.podstage.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podstage.runtime.stage.ExitCode;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceSettingsTest {

    private static void redis(String url) {
        ServiceSettings.url("podstage.redis-url", url, Set.of("redis", "rediss"), ServiceSettings.REDIS, "/?[0-9]*");
    }

    private static void postgres(String url) {
        ServiceSettings.url(
                "podstage.db-url", url, Set.of("postgresql", "postgres"), ServiceSettings.POSTGRES, "/[^/]+");
    }

    @Test
    void theUrlsDeploymentsWriteAreAccepted() {
        assertThatCode(() -> {
                    redis("redis://127.0.0.1:6379/3");
                    redis("rediss://default:secret@redis.podstage-services.svc.cluster.local:6380");
                    redis("redis://my_redis:6379/");
                    postgres("postgresql://postgres.podstage-services.svc.cluster.local:5432/podstage");
                    postgres("postgres://127.0.0.1/podstage?search_path=store_it");
                })
                .doesNotThrowAnyException();
    }

    @Test
    void aMalformedUrlIsExit2NamingTheKeyWhatIsAllowedAndNeverThePassword() {
        assertThatThrownBy(() -> redis("http://cache:6379"))
                .hasMessageContaining("podstage.redis-url='http://cache:6379'")
                .hasMessageContaining("needs the scheme");
        assertThatThrownBy(() -> redis("redis://:hunter2@:6379/0"))
                .hasMessageContaining("podstage.redis-url")
                .hasMessageContaining("needs a host")
                .hasMessageNotContaining("hunter2")
                .isInstanceOfSatisfying(
                        ConfigProblem.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE));
        assertThatThrownBy(() -> redis("redis://default:hunter2@:6379/0"))
                .hasMessageContaining("needs a host")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> redis("redis://cache:6379/zero")).hasMessageContaining("needs the path");
        assertThatThrownBy(() -> redis("redis://u:p w@cache:99999/0"))
                .hasMessageContaining("podstage.redis-url")
                .hasMessageNotContaining("p w");
        assertThatThrownBy(() -> postgres("postgresql://db:70000/podstage"))
                .hasMessageContaining("a port from 1 to 65535");
        assertThatThrownBy(() -> postgres("postgresql://db:5432"))
                .hasMessageContaining("podstage.db-url")
                .hasMessageContaining("postgresql://host[:port]/database");
    }

    @Test
    void passwordsAreMaskedInWhatIsShown() {
        assertThat(ServiceSettings.masked("redis://default:s3cret@cache:6379/0"))
                .isEqualTo("redis://default:***@cache:6379/0");
        assertThat(ServiceSettings.masked("postgresql://db/podstage")).isEqualTo("postgresql://db/podstage");
    }
}
