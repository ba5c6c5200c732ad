namespace CredentialPortal.E2E.Deployment;

/// <summary>
/// A test of the multi-instance deployment: needs a PostgreSQL server (PORTAL_TEST_POSTGRES, the connection string
/// scripts/postgres.sh start prints; ./run-tests.sh sets it) and Debian's nginx. Skipped, saying why, without the server.
/// </summary>
public sealed class DeploymentFactAttribute : FactAttribute
{
    public DeploymentFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(PostgresServer.ConnectionString))
        {
            Skip = "PORTAL_TEST_POSTGRES is not set: the deployment tests need a PostgreSQL server (scripts/postgres.sh start prints its connection string; ./run-tests.sh sets it).";
        }
    }
}
