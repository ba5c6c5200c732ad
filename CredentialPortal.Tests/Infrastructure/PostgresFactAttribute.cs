namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// A fact that needs PostgreSQL (several instances on one database): skipped, with the reason, when the suite runs on
/// SQLite, which serves one instance only.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!TestProvider.IsPostgres)
        {
            Skip = "Several instances share one database only on PostgreSQL: run with PORTAL_TEST_PROVIDER=Postgres.";
        }
    }
}
