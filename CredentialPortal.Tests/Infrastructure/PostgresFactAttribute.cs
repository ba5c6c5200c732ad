namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// A fact that needs PostgreSQL: several instances on one database, or two transactions between a look-up and an insert
/// (SQLite's one write lock, taken at the start of a write transaction, never lets that happen). Skipped with the reason
/// when the suite runs on SQLite.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute(string why = "several instances share one database only on PostgreSQL")
    {
        if (!TestProvider.IsPostgres)
        {
            Skip = $"PostgreSQL only ({why}): run with PORTAL_TEST_PROVIDER=Postgres.";
        }
    }
}
