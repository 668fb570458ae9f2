package io.specstream.verify.service;

import io.specstream.contract.RequestTerms;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.verify.RolloutSpec;

import java.util.List;

/** Turns a {@link RolloutRequest} from the prompts topic into the engine's {@link RolloutSpec}. */
public final class RequestSpecs {

    private final PromptEncoder encoder;

    public RequestSpecs(PromptEncoder encoder) {
        this.encoder = encoder;
    }

    /** The spec, or an IllegalArgumentException naming the request and what is wrong with it. */
    public RolloutSpec toSpec(RolloutRequest request) {
        RequestTerms terms = RequestTerms.of(request, encoder);
        int[] stopTokens = request.getStopTokenIds().stream().mapToInt(Integer::intValue).toArray();
        return new RolloutSpec(request.getRequestId(), terms.promptIds(), terms.samples(), request.getMaxNewTokens(),
                stopTokens, List.copyOf(request.getStopStrings()), terms.sampling(), terms.seed());
    }
}
