using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>
/// A test of something only PostgreSQL lets happen (two transactions between a look-up and an insert): on SQLite, where
/// a write transaction holds the one write lock from its start, it is skipped with <paramref name="why"/>.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute(string why)
    {
        if (!TestProvider.IsPostgres)
        {
            Skip = $"PostgreSQL only: {why}";
        }
    }
}
