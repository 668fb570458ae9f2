package io.specstream.topology.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScramUserTest {

    @Test
    void clientPropertiesLogInWithScramSha512AsTheUser() {
        var properties = new ScramUser("verify", "verify-secret").clientProperties();

        assertEquals("SASL_PLAINTEXT", properties.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", properties.get("sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"verify\""
                + " password=\"verify-secret\";", properties.get("sasl.jaas.config"));
    }

    @Test
    void aPasswordThatWouldBreakTheStorageToolArgumentIsRefusedNamingTheAllowedCharacters() {
        var refused = assertThrows(IllegalArgumentException.class, () -> new ScramUser("verify", "a,b]"));

        assertTrue(refused.getMessage().contains("password 'a,b]'") && refused.getMessage().contains("letters, digits"),
                refused.getMessage());
    }

    @Test
    void aUserNamedLikeTheSuperUserIsRefused() {
        ScramUser admin = new ScramUser("admin", "one");

        var refused = assertThrows(IllegalArgumentException.class,
                () -> new ScramListener(admin, List.of(new ScramUser("admin", "two")), true));

        assertTrue(refused.getMessage().contains("distinct"), refused.getMessage());
    }
}
