package dev.grpcshop.platform.security;

import io.quarkus.runtime.LaunchMode;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Only dev mode lets a call without a token in (PackagedOrderFlowIT shows the packaged app refusing it). */
class DevIdentityTest {

    @Test
    void onlyDevModeGivesACallWithoutATokenTheDevOperatorIdentity() {
        assertEquals(Optional.of(new Caller("dev", Set.of(Caller.ADMIN))),
                new DevIdentity(LaunchMode.DEVELOPMENT).forCallWithoutToken());
        assertEquals(Optional.empty(), new DevIdentity(LaunchMode.NORMAL).forCallWithoutToken());
        assertEquals(Optional.empty(), new DevIdentity(LaunchMode.TEST).forCallWithoutToken());
    }
}
