import { servingBetween, servingChangeOf } from './serving.replay.js';

const up = (position: number, allocId: string) => servingChangeOf({ position, type: 'AllocationHealthy' }, allocId)!;
const down = (position: number, allocId: string, type = 'AllocationStopRequested') => servingChangeOf({ position, type }, allocId)!;

describe('servingBetween', () => {
  it('counts what served at a position, the fewest after it and at the end, in any input order', () => {
    const changes = [up(1, 'a'), up(2, 'b'), down(5, 'a'), down(6, 'b'), up(8, 'c'), up(9, 'd')];
    expect(servingBetween([...changes].reverse(), 4)).toEqual({ atStart: 2, least: 0, atEnd: 2 });
    expect(servingBetween(changes, 4, 5)).toEqual({ atStart: 2, least: 1, atEnd: 1 });
  });

  it('counts an end before a start at the same position, and ignores events that change nothing', () => {
    expect(servingBetween([up(1, 'a'), up(3, 'b'), down(3, 'a', 'AllocationExited')], 2)).toEqual({ atStart: 1, least: 0, atEnd: 1 });
    expect(servingChangeOf({ position: 4, type: 'AllocationPlaced' }, 'a')).toBeUndefined();
  });
});
