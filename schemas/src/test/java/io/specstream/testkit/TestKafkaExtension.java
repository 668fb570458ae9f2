package io.specstream.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One broker per test class:
 * <pre>{@code
 * @RegisterExtension
 * static final TestKafkaExtension KAFKA = new TestKafkaExtension();
 * ... KAFKA.kafka().clientConfig() ...
 * }</pre>
 */
public final class TestKafkaExtension implements BeforeAllCallback, AfterAllCallback {

    private TestKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = TestKafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /** The class's broker; only valid between beforeAll and afterAll. */
    public TestKafka kafka() {
        if (kafka == null) {
            throw new IllegalStateException("TestKafkaExtension must be registered as a static @RegisterExtension field");
        }
        return kafka;
    }
}
