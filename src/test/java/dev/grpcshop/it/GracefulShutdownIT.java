package dev.grpcshop.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** A rolling update stops instances with SIGTERM: that must not look like a failure in the logs. */
class GracefulShutdownIT {

    @TempDir
    Path dataDir;

    @Test
    void stoppingWhileTheOutboxRelayPollsLogsNoError() throws Exception {
        // The relay polls every 20 ms here, so each stop is likely to land while a poll is due.
        // DB_CLOSE_ON_EXIT=FALSE as in the default URL: else H2's own shutdown hook closes the database at once
        List<String> options = List.of("-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + dataDir.resolve("grpcshop")
                        + ";DB_CLOSE_ON_EXIT=FALSE",
                "-Dapp.orders.outbox.poll-interval=0.02s");
        for (int stop = 1; stop <= 3; stop++) {
            PackagedApp app = PackagedApp.start(options);
            Thread.sleep(300);
            app.close();
            String log = app.log();
            assertFalse(log.contains(" ERROR "), "stop " + stop + " logged an error:\n" + log);
        }
    }
}
