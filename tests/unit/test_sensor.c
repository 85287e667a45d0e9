/*
 * test_sensor.c — a reading's level against its sensor's three thresholds (预警, 报警,
 * 联锁停机): the highest one crossed, a value equal to a threshold crosses it, "below"
 * sensors (oxygen deficiency) count downwards, and an unset threshold never fires.
 */
#include "unit.h"
#include "sensor/sensor.h"

#include <string.h>

TEST(sensor_level_is_the_highest_threshold_crossed)
{
	struct sensor_info s = {0};
	strcpy(s.direction, "above");
	s.has_warn = s.has_alarm = s.has_trip = 1;
	s.warn = 5, s.alarm = 10, s.trip = 20;
	CHECK_INT(sensor_level(&s, 4.99), SENSOR_OK);
	CHECK_INT(sensor_level(&s, 5), SENSOR_WARN);
	CHECK_INT(sensor_level(&s, 10), SENSOR_ALARM);
	CHECK_INT(sensor_level(&s, 19.9), SENSOR_ALARM);
	CHECK_INT(sensor_level(&s, 25), SENSOR_TRIP);
	/* an unset alarm threshold: from warn straight to trip */
	s.has_alarm = 0;
	CHECK_INT(sensor_level(&s, 15), SENSOR_WARN);
	/* oxygen falling: 19.5 warn, 18 alarm, 16 trip */
	strcpy(s.direction, "below");
	s.has_alarm = 1;
	s.warn = 19.5, s.alarm = 18, s.trip = 16;
	CHECK_INT(sensor_level(&s, 20.9), SENSOR_OK);
	CHECK_INT(sensor_level(&s, 19.5), SENSOR_WARN);
	CHECK_INT(sensor_level(&s, 17), SENSOR_ALARM);
	CHECK_INT(sensor_level(&s, 15), SENSOR_TRIP);
}
