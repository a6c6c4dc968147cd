import { NoobError } from '../../core/errors.ts';

/** The database file is damaged: `noob serve` refuses to start on it (exit 1). */
export class DatabaseCorruptError extends NoobError {
  override name = 'DatabaseCorruptError' as const;
}

/** A job asks for the peer network (`runner: "p2p"`) where there is none (`--peers`). */
export class NoPeerNetworkError extends NoobError {
  override name = 'NoPeerNetworkError' as const;
}

/**
 * A job asks to be settled (`settlement`) on a coordinator that knows no settlement
 * contract to check the executors' signatures in (NOOB_CHAIN, NOOB_SETTLEMENT_ADDRESS).
 */
export class NoSettlementDomainError extends NoobError {
  override name = 'NoSettlementDomainError' as const;
}
