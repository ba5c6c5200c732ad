using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CredentialPortal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SearchNameFolded : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Credentials_LastModified",
                table: "Credentials");

            migrationBuilder.DropIndex(
                name: "IX_Credentials_Name",
                table: "Credentials");

            migrationBuilder.DropIndex(
                name: "IX_Credentials_NameSearch",
                table: "Credentials");

            migrationBuilder.DropIndex(
                name: "IX_Credentials_Type",
                table: "Credentials");

            migrationBuilder.AddColumn<string>(
                name: "NameFolded",
                table: "Credentials",
                type: "text",
                nullable: true,
                computedColumnSql: "lower((\"Name\" COLLATE \"und-x-icu\"))",
                stored: true,
                collation: "C");

            migrationBuilder.CreateIndex(
                name: "IX_Credentials_LastModified",
                table: "Credentials",
                columns: new[] { "LastModifiedUtc", "Id" })
                .Annotation("Npgsql:IndexInclude", new[] { "NameFolded" });

            migrationBuilder.CreateIndex(
                name: "IX_Credentials_Name",
                table: "Credentials",
                columns: new[] { "Name", "Id" })
                .Annotation("Npgsql:IndexInclude", new[] { "NameFolded" });

            migrationBuilder.CreateIndex(
                name: "IX_Credentials_Type",
                table: "Credentials",
                columns: new[] { "TypeName", "LastModifiedUtc", "Id" },
                descending: new[] { false, true, true })
                .Annotation("Npgsql:IndexInclude", new[] { "NameFolded" });

            // The search's narrow copy: id and folded name, under the trigram index that finds and counts matches. A
            // trigger keeps it on an insert or a rename; a deletion cascades. A match read there costs a small page.
            migrationBuilder.Sql("""
                CREATE TABLE "CredentialNameSearch" (
                    "Id" integer PRIMARY KEY REFERENCES "Credentials" ("Id") ON DELETE CASCADE,
                    "Name" text COLLATE "C" NOT NULL);
                INSERT INTO "CredentialNameSearch" ("Id", "Name") SELECT "Id", "NameFolded" FROM "Credentials";
                CREATE INDEX "IX_CredentialNameSearch_Name" ON "CredentialNameSearch" USING gin ("Name" gin_trgm_ops);
                CREATE FUNCTION credential_name_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO "CredentialNameSearch" ("Id", "Name") VALUES (NEW."Id", NEW."NameFolded")
                    ON CONFLICT ("Id") DO UPDATE SET "Name" = EXCLUDED."Name";
                    RETURN NULL;
                END $$;
                CREATE TRIGGER credential_name_search_keep AFTER INSERT OR UPDATE OF "Name" ON "Credentials"
                    FOR EACH ROW EXECUTE FUNCTION credential_name_search_keep();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER credential_name_search_keep ON "Credentials";
                DROP FUNCTION credential_name_search_keep();
                DROP TABLE "CredentialNameSearch";
                """);

            migrationBuilder.DropIndex(
                name: "IX_Credentials_LastModified",
                table: "Credentials");

            migrationBuilder.DropIndex(
                name: "IX_Credentials_Name",
                table: "Credentials");

            migrationBuilder.DropIndex(
                name: "IX_Credentials_Type",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "NameFolded",
                table: "Credentials");

            migrationBuilder.CreateIndex(
                name: "IX_Credentials_LastModified",
                table: "Credentials",
                columns: new[] { "LastModifiedUtc", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Credentials_Name",
                table: "Credentials",
                columns: new[] { "Name", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Credentials_NameSearch",
                table: "Credentials",
                column: "Name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" })
                .Annotation("Relational:Collation", new[] { "und-x-icu" });

            migrationBuilder.CreateIndex(
                name: "IX_Credentials_Type",
                table: "Credentials",
                columns: new[] { "TypeName", "LastModifiedUtc", "Id" },
                descending: new[] { false, true, true });
        }
    }
}
