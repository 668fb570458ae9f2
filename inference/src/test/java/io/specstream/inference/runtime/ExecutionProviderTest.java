package io.specstream.inference.runtime;

import io.specstream.inference.TestModels;
import io.specstream.inference.model.ModelDirectory;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutionProviderTest {

    @Test
    void parsesCpuAndCudaWithADevice() {
        assertEquals(ExecutionProvider.cpu(), ExecutionProvider.parse("k", "cpu"));
        assertEquals(ExecutionProvider.cuda(1), ExecutionProvider.parse("k", "CUDA:1"));
    }

    @Test
    void anUnknownProviderIsRefusedNamingTheKeyAndTheAllowedValues() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> InferenceOptions.from(Map.of(InferenceOptions.PROVIDER_KEY, "gpu")));
        assertTrue(refused.getMessage().contains("inference.execution-provider='gpu'"), refused.getMessage());
        assertTrue(refused.getMessage().contains("'cpu' or 'cuda:N'"), refused.getMessage());
    }

    @Test
    void aNegativeCudaDeviceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ExecutionProvider.parse("k", "cuda:-1"));
    }

    @Test
    void aCudaRequestWithoutCudaFailsAtStartSayingHowToBuildForGpu() {
        InferenceOptions cuda = InferenceOptions.from(Map.of(InferenceOptions.PROVIDER_KEY, "cuda:0"));
        ModelDirectory model = ModelDirectory.open(TestModels.dir("draft-tiny"));
        ExecutionProviderUnavailableException refused = assertThrows(ExecutionProviderUnavailableException.class,
                () -> DecoderSession.open(model, cuda).close());
        assertTrue(refused.getMessage().contains("inference.execution-provider=cuda:0"), refused.getMessage());
        assertTrue(refused.getMessage().contains("mvn -Pgpu package"), refused.getMessage());
        assertTrue(refused.getMessage().contains("CUDA 12"), refused.getMessage());
    }
}
