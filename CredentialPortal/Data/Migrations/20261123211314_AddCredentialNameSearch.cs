using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CredentialPortal.Data.Migrations
{
    /// <summary>
    /// An FTS5 trigram index over credential names, kept in step by triggers, so that a name-fragment search
    /// finds rows through the index instead of scanning the table with LIKE '%…%'.
    /// </summary>
    public partial class AddCredentialNameSearch : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE CredentialNameSearch USING fts5(
                    Name, content='Credentials', content_rowid='Id', tokenize='trigram');
                """);
            CreateTriggersAndRebuild(migrationBuilder);
        }

        /// <summary>
        /// The triggers that keep the index in step, and a rebuild of it. SQLite drops a table's triggers when EF
        /// rebuilds the table (any column change but an added column), and EF runs such rebuilds at the end of a
        /// migration: a later migration that alters a Credentials column must call this in a migration after it.
        /// </summary>
        internal static void CreateTriggersAndRebuild(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TRIGGER IF NOT EXISTS Credentials_NameSearch_Insert AFTER INSERT ON Credentials BEGIN
                    INSERT INTO CredentialNameSearch(rowid, Name) VALUES (new.Id, new.Name);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER IF NOT EXISTS Credentials_NameSearch_Delete AFTER DELETE ON Credentials BEGIN
                    INSERT INTO CredentialNameSearch(CredentialNameSearch, rowid, Name) VALUES ('delete', old.Id, old.Name);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER IF NOT EXISTS Credentials_NameSearch_Update AFTER UPDATE OF Name ON Credentials BEGIN
                    INSERT INTO CredentialNameSearch(CredentialNameSearch, rowid, Name) VALUES ('delete', old.Id, old.Name);
                    INSERT INTO CredentialNameSearch(rowid, Name) VALUES (new.Id, new.Name);
                END;
                """);
            migrationBuilder.Sql("INSERT INTO CredentialNameSearch(CredentialNameSearch) VALUES ('rebuild');");
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Credentials_NameSearch_Update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Credentials_NameSearch_Delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Credentials_NameSearch_Insert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS CredentialNameSearch;");
        }
    }
}
