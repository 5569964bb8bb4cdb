package dev.doppel.engine.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Gives each test class its own fresh database on the shared test server: declare a {@link TestDatabase}
 * parameter on a test, a lifecycle method or the constructor. A failing test prints the server log's tail.
 */
public final class PostgresExtension implements BeforeAllCallback, ParameterResolver, TestExecutionExceptionHandler {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PostgresExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        database(context);
    }

    private static TestDatabase database(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent()) {
            classContext = classContext.getParent().orElseThrow();
        }
        String hint = classContext.getRequiredTestClass().getSimpleName();
        return classContext.getStore(NS).getOrComputeIfAbsent(TestDatabase.class,
                k -> TestPostgres.newDatabase(hint), TestDatabase.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return database(extensionContext);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        System.err.println("[doppel tests] " + context.getDisplayName() + " failed; PostgreSQL ("
                + TestPostgres.server().provider() + ") log tail:\n" + TestPostgres.server().logTail(30));
        throw throwable;
    }
}
