package dev.grpcshop.platform.stream;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that read the pages of server streams ({@link PacedStream#pages}): a few ({@code
 * app.streams.page-readers}) sharing one queue. Under load a reader finds the next read already queued and keeps
 * going; handing each read to an idle thread of the large worker pool costs a thread wake-up per read, about a
 * fifth of ListUsers' server CPU (docs/performance.md).
 */
@Singleton
public class PageReaders implements Executor {

    private final ExecutorService readers;

    PageReaders(StreamsConfig config) {
        AtomicInteger number = new AtomicInteger();
        int threads = config.pageReaders();
        readers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "page-reader-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @Override
    public void execute(Runnable read) {
        readers.execute(read);
    }

    @PreDestroy
    void stop() {
        readers.shutdown();
    }
}
