package io.specstream.contract;

import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.sampling.SamplingParams;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.schemas.avro.RolloutRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestTermsTest {

    private static TextTokenizer tokenizer;
    private static PromptEncoder encoder;

    @BeforeAll
    static void open() {
        String configured = System.getProperty("specstream.models.dir");
        ModelDirectory model = ModelDirectory.open((configured != null ? Path.of(configured) : Path.of("..", "models"))
                .resolve("draft-tiny"));
        tokenizer = TextTokenizer.open(model.tokenizerFile());
        encoder = new PromptEncoder(tokenizer, model.config());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void aTextPromptIsEncodedLikeThePromptEncoderDoes() {
        RolloutRequest request = RolloutRequest.newBuilder().setRequestId("r1").setPromptText("Q: 2+2?\n").build();
        assertArrayEquals(encoder.encode("Q: 2+2?\n"), RequestTerms.of(request, encoder).promptIds());
    }

    @Test
    void tokenIdsAreTakenAsGivenWhenThereIsNoText() {
        RolloutRequest request = RolloutRequest.newBuilder().setRequestId("r2").setPromptTokenIds(List.of(1, 40, 41)).build();
        assertArrayEquals(new int[] {1, 40, 41}, RequestTerms.of(request, encoder).promptIds());
    }

    @Test
    void samplingParametersAndSeedAreCarriedOver() {
        RolloutRequest request = RolloutRequest.newBuilder().setRequestId("r3").setPromptText("x").setNSamples(3)
                .setTemperature(0.5f).setTopK(20).setTopP(0.75f).setSeed(9).build();
        RequestTerms terms = RequestTerms.of(request, encoder);
        assertEquals(new SamplingParams(0.5, 20, 0.75), terms.sampling());
        assertEquals(3, terms.samples());
        assertEquals(9, terms.seed());
    }

    @Test
    void aRequestWithoutAPromptIsRefusedNamingBothFields() {
        RolloutRequest request = RolloutRequest.newBuilder().setRequestId("r4").build();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> RequestTerms.of(request, encoder));
        assertTrue(error.getMessage().contains("r4") && error.getMessage().contains("prompt_text")
                && error.getMessage().contains("prompt_token_ids"), error.getMessage());
    }

    @Test
    void anImpossibleTopPIsRefusedNamingTheRequest() {
        RolloutRequest request = RolloutRequest.newBuilder().setRequestId("r5").setPromptText("x").setTopP(0f).build();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> RequestTerms.of(request, encoder));
        assertTrue(error.getMessage().startsWith("request r5: top_p=0.0"), error.getMessage());
    }

    @Test
    void anEmptyPromptTextWithoutIdsIsRefusedAsAnEmptyPrompt() {
        RolloutRequest request = RolloutRequest.newBuilder().setRequestId("r6").setPromptText("").build();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> RequestTerms.of(request, encoder));
        assertTrue(error.getMessage().startsWith("request r6: the prompt is empty"), error.getMessage());
    }

    @Test
    void anEmptyPromptTextGivesWayToTheTokenIds() {
        RolloutRequest request = RolloutRequest.newBuilder().setRequestId("r7").setPromptText("")
                .setPromptTokenIds(List.of(1, 40)).build();
        assertArrayEquals(new int[] {1, 40}, RequestTerms.of(request, encoder).promptIds());
    }

    @Test
    void aNegativeTemperatureIsRefusedWithTheAllowedValues() {
        RolloutRequest request = RolloutRequest.newBuilder().setRequestId("r8").setPromptText("x").setTemperature(-0.5f).build();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> RequestTerms.of(request, encoder));
        assertTrue(error.getMessage().startsWith("request r8: temperature=-0.5 is not valid; allowed values:"), error.getMessage());
    }

    @Test
    void aNegativeTopKIsRefusedWithTheAllowedValues() {
        RolloutRequest request = RolloutRequest.newBuilder().setRequestId("r9").setPromptText("x").setTopK(-1).build();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> RequestTerms.of(request, encoder));
        assertTrue(error.getMessage().startsWith("request r9: top_k=-1 is not valid; allowed values:"), error.getMessage());
    }
}
