using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CredentialPortal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SearchNameBigrams : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A two-character fragment has no trigram, so the trigram index cannot find it: its matches are found by the
            // folded name's distinct character pairs, in a GIN index over them. COST: computing the pairs is slow
            // (tens of microseconds a name); the planner must never choose to compute them for every row of a scan.
            migrationBuilder.Sql("""
                CREATE FUNCTION credential_name_bigrams(name text) RETURNS text[]
                    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000
                    RETURN ARRAY(SELECT DISTINCT substr(name, i, 2) FROM generate_series(1, char_length(name) - 1) AS i);
                CREATE INDEX "IX_CredentialNameSearch_Bigrams" ON "CredentialNameSearch" USING gin (credential_name_bigrams("Name"));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX "IX_CredentialNameSearch_Bigrams";
                DROP FUNCTION credential_name_bigrams(text);
                """);
        }
    }
}
