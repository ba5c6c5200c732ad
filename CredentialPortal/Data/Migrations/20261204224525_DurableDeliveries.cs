using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CredentialPortal.Data.Migrations
{
    /// <summary>
    /// The delivery log becomes the delivery queue: each logged delivery becomes a finished delivery (delivered or
    /// failed) with one attempt that keeps its masked request; its webhook-id is new.
    /// </summary>
    public partial class DurableDeliveries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "WebhookGoneAtUtc",
                table: "Alerts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Deliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PublicId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AlertId = table.Column<int>(type: "INTEGER", nullable: false),
                    IsTest = table.Column<bool>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Body = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DueAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LeaseId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ScheduleStep = table.Column<int>(type: "INTEGER", nullable: false),
                    AttemptCount = table.Column<int>(type: "INTEGER", nullable: false),
                    LastAttemptAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    CompletedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Deliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Deliveries_Alerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "Alerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DeliveryAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DeliveryId = table.Column<long>(type: "INTEGER", nullable: false),
                    AttemptedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DurationMs = table.Column<int>(type: "INTEGER", nullable: false),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    Method = table.Column<string>(type: "TEXT", nullable: false),
                    Url = table.Column<string>(type: "TEXT", nullable: false),
                    Headers = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryAttempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeliveryAttempts_Deliveries_DeliveryId",
                        column: x => x.DeliveryId,
                        principalTable: "Deliveries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // A GUID as EF stores one on SQLite: upper-case text with dashes.
            migrationBuilder.Sql("""
                INSERT INTO "Deliveries" ("Id", "PublicId", "AlertId", "IsTest", "Status", "Body", "CreatedAtUtc", "DueAtUtc",
                    "ScheduleStep", "AttemptCount", "LastAttemptAtUtc", "StatusCode", "Error", "CompletedAtUtc")
                SELECT "Id",
                    upper(substr(g, 1, 8) || '-' || substr(g, 9, 4) || '-4' || substr(g, 14, 3) || '-8' || substr(g, 18, 3) || '-' || substr(g, 21, 12)),
                    "AlertId", "IsTest", CASE WHEN "Delivered" THEN 2 ELSE 3 END, '{}', "SentAtUtc", "SentAtUtc",
                    "Attempts", "Attempts", "SentAtUtc", "StatusCode", "Error", "SentAtUtc"
                FROM (SELECT *, lower(hex(randomblob(16))) AS g FROM "WebhookDeliveries");
                INSERT INTO "DeliveryAttempts" ("DeliveryId", "AttemptedAtUtc", "DurationMs", "StatusCode", "Error", "Method", "Url", "Headers")
                SELECT "Id", "SentAtUtc", "DurationMs", "StatusCode", "Error", "Method", "Url", "Headers" FROM "WebhookDeliveries" ORDER BY "Id";
                """);

            migrationBuilder.DropTable(name: "WebhookDeliveries");

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_AlertId_Id",
                table: "Deliveries",
                columns: new[] { "AlertId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_AlertId_Status",
                table: "Deliveries",
                columns: new[] { "AlertId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_AlertId_IdempotencyKey",
                table: "Deliveries",
                columns: new[] { "AlertId", "IdempotencyKey" },
                unique: true,
                filter: "\"IdempotencyKey\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_CreatedAtUtc",
                table: "Deliveries",
                column: "CreatedAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_Due",
                table: "Deliveries",
                column: "DueAtUtc",
                filter: "\"Status\" IN (0, 1)");

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_PublicId",
                table: "Deliveries",
                column: "PublicId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_Status_Id",
                table: "Deliveries",
                columns: new[] { "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryAttempts_DeliveryId_Id",
                table: "DeliveryAttempts",
                columns: new[] { "DeliveryId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WebhookDeliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AlertId = table.Column<int>(type: "INTEGER", nullable: false),
                    SentAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    IsTest = table.Column<bool>(type: "INTEGER", nullable: false),
                    Delivered = table.Column<bool>(type: "INTEGER", nullable: false),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    DurationMs = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    Method = table.Column<string>(type: "TEXT", nullable: false),
                    Url = table.Column<string>(type: "TEXT", nullable: false),
                    Headers = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookDeliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebhookDeliveries_Alerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "Alerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Each attempted delivery as the old log kept it: one row, its last attempt's request.
            migrationBuilder.Sql("""
                INSERT INTO "WebhookDeliveries" ("Id", "AlertId", "SentAtUtc", "IsTest", "Delivered", "StatusCode", "Attempts", "DurationMs", "Error", "Method", "Url", "Headers")
                SELECT d."Id", d."AlertId", d."CreatedAtUtc", d."IsTest", d."Status" = 2, d."StatusCode", d."AttemptCount", a."DurationMs", d."Error", a."Method", a."Url", a."Headers"
                FROM "Deliveries" AS d JOIN "DeliveryAttempts" AS a ON a."Id" = (SELECT max("Id") FROM "DeliveryAttempts" WHERE "DeliveryId" = d."Id");
                """);

            migrationBuilder.DropTable(name: "DeliveryAttempts");
            migrationBuilder.DropTable(name: "Deliveries");
            migrationBuilder.DropColumn(name: "WebhookGoneAtUtc", table: "Alerts");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_AlertId_Id",
                table: "WebhookDeliveries",
                columns: new[] { "AlertId", "Id" });
        }
    }
}
