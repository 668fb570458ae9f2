package io.specstream.verify.service;

import io.specstream.draft.service.ServiceEndpoints;
import io.specstream.draft.service.SettingsFile;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.verify.VerifyEngine;

/**
 * Starts verify-service: {@code java ... VerifyService [settings.properties]} (keys in {@link VerifyServiceConfig});
 * runs the {@link VerifyLoop} on the calling thread until the JVM is asked to stop.
 */
public final class VerifyService {

    private VerifyService() {
    }

    public static void main(String[] args) {
        VerifyServiceConfig config = VerifyServiceConfig.from(SettingsFile.fromArgs(args));
        ServiceEndpoints endpoints = config.endpoints();
        ModelDirectory model = ModelDirectory.open(config.verify().modelDir());
        try (VerifyEngine engine = VerifyEngine.open(config.verify());
             TextTokenizer tokenizer = TextTokenizer.open(model.tokenizerFile())) {
            VerifyLoop loop = new VerifyLoop(engine, new PromptEncoder(tokenizer, model.config()), endpoints.client(),
                    endpoints.catalogue(), endpoints.groupId(), config.transactionalId());
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
