using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace CredentialPortal.Data.Migrations
{
    /// <summary>
    /// The configuration hierarchy (platform, partners, organizations, workspaces) seeded with the Default chain that
    /// existing alerts move into, each alert's workspace and inherit flag, and a public id for every credential.
    /// </summary>
    public partial class HierarchyAndPublicIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "HierarchyEntities",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Level = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false, collation: "NOCASE"),
                    ParentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CredentialId = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastModifiedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HierarchyEntities", x => x.Id);
                    table.ForeignKey(
                        name: "FK_HierarchyEntities_Credentials_CredentialId",
                        column: x => x.CredentialId,
                        principalTable: "Credentials",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_HierarchyEntities_HierarchyEntities_ParentId",
                        column: x => x.ParentId,
                        principalTable: "HierarchyEntities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            // The platform and the Default partner, organization and workspace: where every existing alert goes.
            migrationBuilder.InsertData(
                table: "HierarchyEntities",
                columns: new[] { "Id", "CreatedUtc", "CredentialId", "LastModifiedUtc", "Level", "Name", "ParentId", "Version" },
                values: new object[,]
                {
                    { new Guid("00000000-0000-0000-0000-000000000001"), new DateTime(2026, 12, 4, 0, 0, 0, 0, DateTimeKind.Utc), null, new DateTime(2026, 12, 4, 0, 0, 0, 0, DateTimeKind.Utc), 0, "Platform", null, 1 },
                    { new Guid("00000000-0000-0000-0000-000000000002"), new DateTime(2026, 12, 4, 0, 0, 0, 0, DateTimeKind.Utc), null, new DateTime(2026, 12, 4, 0, 0, 0, 0, DateTimeKind.Utc), 1, "Default", new Guid("00000000-0000-0000-0000-000000000001"), 1 },
                    { new Guid("00000000-0000-0000-0000-000000000003"), new DateTime(2026, 12, 4, 0, 0, 0, 0, DateTimeKind.Utc), null, new DateTime(2026, 12, 4, 0, 0, 0, 0, DateTimeKind.Utc), 2, "Default", new Guid("00000000-0000-0000-0000-000000000002"), 1 },
                    { new Guid("00000000-0000-0000-0000-000000000004"), new DateTime(2026, 12, 4, 0, 0, 0, 0, DateTimeKind.Utc), null, new DateTime(2026, 12, 4, 0, 0, 0, 0, DateTimeKind.Utc), 3, "Default", new Guid("00000000-0000-0000-0000-000000000003"), 1 }
                });

            migrationBuilder.CreateIndex(
                name: "IX_HierarchyEntities_CredentialId",
                table: "HierarchyEntities",
                column: "CredentialId");

            migrationBuilder.CreateIndex(
                name: "IX_HierarchyEntities_ParentId_Name",
                table: "HierarchyEntities",
                columns: new[] { "ParentId", "Name" },
                unique: true);

            // SQLite adds a column only with a constant default: add it empty, give every existing row its own random id,
            // then let the rebuilt table carry the random default for rows inserted by plain SQL.
            migrationBuilder.AddColumn<Guid>(
                name: "PublicId",
                table: "Credentials",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.Sql($"UPDATE \"Credentials\" SET \"PublicId\" = {RandomGuidSql};");

            // Existing alerts live in the Default workspace.
            migrationBuilder.AddColumn<Guid>(
                name: "WorkspaceId",
                table: "Alerts",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000004"));

            migrationBuilder.AddColumn<bool>(
                name: "InheritsCredential",
                table: "Alerts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_WorkspaceId",
                table: "Alerts",
                column: "WorkspaceId");

            migrationBuilder.AddForeignKey(
                name: "FK_Alerts_HierarchyEntities_WorkspaceId",
                table: "Alerts",
                column: "WorkspaceId",
                principalTable: "HierarchyEntities",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AlterColumn<Guid>(
                name: "PublicId",
                table: "Credentials",
                type: "TEXT",
                nullable: false,
                defaultValueSql: RandomGuidSql,
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldDefaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.CreateIndex(
                name: "IX_Credentials_PublicId",
                table: "Credentials",
                column: "PublicId",
                unique: true);
        }

        // As the model has it (CredentialConfiguration.RandomGuidSql), fixed here: a migration must not change later.
        private const string RandomGuidSql =
            "hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || "
            + "substr('89AB', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))";

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The alerts still point at HierarchyEntities until their table is rebuilt at the end of this migration, so
            // dropping that table needs foreign keys off (a PRAGMA that only applies outside a transaction); the rebuild
            // turns them back on.
            migrationBuilder.Sql("PRAGMA foreign_keys = 0;", suppressTransaction: true);

            migrationBuilder.DropForeignKey(
                name: "FK_Alerts_HierarchyEntities_WorkspaceId",
                table: "Alerts");

            migrationBuilder.DropIndex(
                name: "IX_Alerts_WorkspaceId",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "WorkspaceId",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "InheritsCredential",
                table: "Alerts");

            migrationBuilder.DropTable(
                name: "HierarchyEntities");

            migrationBuilder.DropIndex(
                name: "IX_Credentials_PublicId",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "PublicId",
                table: "Credentials");
        }
    }
}
