package io.specstream.draft.service;

import io.specstream.draft.ModelDrafter;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;

/**
 * Starts draft-service: {@code java ... DraftService [settings.properties]} (keys in {@link DraftServiceConfig});
 * runs the {@link DraftLoop} on the calling thread until the JVM is asked to stop.
 */
public final class DraftService {

    private DraftService() {
    }

    public static void main(String[] args) {
        DraftServiceConfig config = DraftServiceConfig.from(SettingsFile.fromArgs(args));
        ModelDirectory model = ModelDirectory.open(config.modelDir());
        try (DecoderSession session = DecoderSession.open(model, config.inference());
             TextTokenizer tokenizer = TextTokenizer.open(model.tokenizerFile());
             ModelDrafter drafter = ModelDrafter.withWindowFor(config.drafterName(), session, config.k())) {
            DraftLoop loop = new DraftLoop(drafter, new PromptEncoder(tokenizer, model.config()),
                    config.endpoints().client(), config.endpoints().catalogue(), config.endpoints().groupId());
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                loop.close();
                try {
                    main.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            loop.run();
        }
    }
}
